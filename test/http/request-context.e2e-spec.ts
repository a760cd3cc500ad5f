import { Controller, Get, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { CLS_ACTOR } from '../../src/platform/access/actor';
import { Public } from '../../src/platform/access/decorators';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';

@Controller('test/context')
class ContextController {
  constructor(private readonly cls: ClsService) {}
  @Public()
  @Get('public')
  publicContext() {
    return { active: this.cls.isActive(), id: this.cls.getId() ?? null };
  }
  @Get('private')
  privateContext() {
    return { active: this.cls.isActive(), id: this.cls.getId() ?? null, actorType: this.cls.get(CLS_ACTOR)?.type ?? null };
  }
}

@Module({ controllers: [ContextController] })
class ContextModule {}

/** The request context (request id, caller, transaction) reaches the handler and all it calls. */
describe('request context', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [ContextModule] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('carries the request id into the handler', async () => {
    const res = await t.http().get('/test/context/public').set('X-Request-Id', 'ctx-1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: true, id: 'ctx-1' });
  });

  it('uses one generated id for the response header and the context', async () => {
    const res = await t.http().get('/test/context/public');
    expect(res.body.id).toBe(res.headers['x-request-id']);
  });

  it('carries the authenticated caller set by the guard', async () => {
    const auth = await asAdmin(t);
    const res = await t.http().get('/test/context/private').set(auth).set('X-Request-Id', 'ctx-2');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: true, id: 'ctx-2', actorType: 'user' });
  });
});
