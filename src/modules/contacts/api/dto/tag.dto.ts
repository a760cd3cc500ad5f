import { ApiProperty } from '@nestjs/swagger';

export class TagResponseDto {
  @ApiProperty({ example: 'vip' }) name: string;
  @ApiProperty({ example: 12, description: 'Contacts you can see with this tag' }) contacts: number;
  @ApiProperty({ example: 3, description: 'Companies you can see with this tag' }) companies: number;
}
