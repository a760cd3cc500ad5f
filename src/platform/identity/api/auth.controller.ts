import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Public } from '../../access/decorators';
import { ApiProblems, ProblemDto } from '../../query/swagger';
import { AuthService } from '../application/auth.service';
import { LoginDto, RefreshDto, TokenPairResponseDto } from './dto/auth.dto';

const TOO_MANY = applyDecorators(
  ApiExtraModels(ProblemDto),
  ApiResponse({
    status: 429,
    description: 'Too many failed sign-ins from this address, or over the rate limit; see Retry-After',
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
  }),
);

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in',
    security: [],
    description:
      'Returns an access token (JWT, short-lived) and a refresh token. Every failure answers the same 401, whether or not the email exists. ' +
      'Repeated failures lock the account for a growing time, and answer 429 to the address they come from.',
  })
  @ApiOkResponse({ type: TokenPairResponseDto })
  @ApiProblems(400, 401)
  @TOO_MANY
  async login(@Body() body: LoginDto, @Ip() ip: string): Promise<TokenPairResponseDto> {
    return this.auth.login(body.email, body.password, ip || 'unknown');
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens',
    security: [],
    description: 'The refresh token is replaced: use the new one next time. Presenting a replaced token again ends the whole session (it was copied).',
  })
  @ApiOkResponse({ type: TokenPairResponseDto })
  @ApiProblems(400, 401)
  async refresh(@Body() body: RefreshDto): Promise<TokenPairResponseDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out', security: [], description: 'Revokes the refresh token and every token of its session. Unknown tokens are ignored.' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems(400)
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}

