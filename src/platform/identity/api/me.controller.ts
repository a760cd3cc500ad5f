import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/decorators';
import { ApiProblems } from '../../query/swagger';
import { UsersService } from '../application/users.service';
import { MeResponseDto, toMeResponse } from './dto/me.dto';

@ApiTags('auth')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Who am I', description: 'The caller: its user, role, teams and what the role grants.' })
  @ApiOkResponse({ type: MeResponseDto })
  @ApiProblems(401)
  async me(@CurrentActor() actor: Actor): Promise<MeResponseDto> {
    return toMeResponse(actor, await this.users.self(actor));
  }
}
