import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivitiesModule } from '../activities/activities.module';
import { ConsentModule } from '../consent/consent.module';
import { MergeController } from './api/merge.controller';
import { MergeService } from './application/merge.service';
import { ContactMergeEntity } from './persistence/contact-merge.entity';

/** Merging duplicate contacts (`/contacts/merge`) and undoing merges (`/contacts/merges/{id}/undo`). */
@Module({
  imports: [TypeOrmModule.forFeature([ContactMergeEntity]), ActivitiesModule, ConsentModule],
  controllers: [MergeController],
  providers: [MergeService],
})
export class MergeModule {}
