/** The list/query engine: specs, parsing (query string and JSON search), SQL, keyset cursors, OpenAPI. */
export * from './list-spec';
export * from './filter';
export * from './list-query';
export * from './cursor';
export * from './sql';
export * from './paginate';
export * from './swagger';
export * from './decorators';
export * from './query.module';
