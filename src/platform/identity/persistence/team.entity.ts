import { Column, Entity, Index } from 'typeorm';
import { RecordEntity } from '../../database/columns';

@Entity({ schema: 'platform', name: 'teams' })
// Unique on lower(name) among live teams: a partial expression index, kept by the migration.
@Index('teams_name_lower_key', { synchronize: false })
export class TeamEntity extends RecordEntity {
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description: string | null;
}
