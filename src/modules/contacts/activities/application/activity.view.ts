import { SubjectRef } from '../domain/activity.types';
import { ActivityEntity } from '../persistence/activity.entity';

/** An activity with what it relates to: what the API maps to a response. */
export interface ActivityView {
  entity: ActivityEntity;
  subjects: SubjectRef[];
}
