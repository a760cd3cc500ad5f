/** Module boundaries (ARCHITECTURE.md): modules meet only through each other's facade, platform knows no module, no cycles. */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles hide coupling and break Nest DI (no forwardRef).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-knows-no-module',
      severity: 'error',
      comment: 'platform/ is what every module stands on; it never imports a CRM module.',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'modules-meet-through-facades',
      severity: 'error',
      comment: 'Another module is reached only through its <ctx>.facade.ts or <ctx>.module.ts (or its published event types).',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/([^/]+)/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/[^/]+\\.(facade|module)\\.ts$', '^src/modules/[^/]+/events/'],
      },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '(^test/|\\.spec\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^dist/|\\.d\\.ts$)' },
  },
};
