import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { globalEnhancersOf, withoutGlobalEnhancers } from './cls';

@Module({})
class Inner {}

describe('withoutGlobalEnhancers', () => {
  it('takes out the guard and interceptor nestjs-cls registers even when unmounted', () => {
    const cls = ClsModule.forRoot({ global: true });
    expect(globalEnhancersOf(cls).map((p) => (p as { provide: unknown }).provide).sort()).toEqual([APP_GUARD, APP_INTERCEPTOR].sort());
    const stripped = withoutGlobalEnhancers(cls);
    expect(globalEnhancersOf(stripped)).toEqual([]);
    expect(stripped.global).toBe(true);
  });

  it('keeps every other provider and import, however deep', () => {
    const service = { provide: 'SERVICE', useValue: 1 };
    const module = {
      module: Inner,
      providers: [service, { provide: APP_GUARD, useValue: {} }],
      imports: [Inner, { module: Inner, providers: [{ provide: APP_INTERCEPTOR, useValue: {} }, service] }],
    };
    expect(withoutGlobalEnhancers(module)).toEqual({ module: Inner, providers: [service], imports: [Inner, { module: Inner, providers: [service] }] });
  });
});
