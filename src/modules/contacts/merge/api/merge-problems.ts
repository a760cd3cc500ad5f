/** Members of the merge endpoints' 409 problems (ApiProblems extensions), documented once. */
export const STANDING_MERGE_ID = { type: 'string', format: 'uuid', description: 'The merge that still stands (ALREADY_MERGED, MERGE_PRIMARY_MERGED)' };
export const DELETED_PRIMARY_ID = { type: 'string', format: 'uuid', description: 'The primary, in the recycle bin (MERGE_PRIMARY_DELETED)' };
