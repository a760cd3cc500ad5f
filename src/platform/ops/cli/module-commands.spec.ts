import { forwardRef, Injectable, Module } from '@nestjs/common';
import { CliCommand, CliCommandHandler } from './cli-command';
import { EXIT_OK } from './cli-io';
import { findCliCommands, toCommand } from './module-commands';

@Injectable()
@CliCommand({ name: 'things:sync', summary: 'Sync things', usage: 'crm things:sync', actAs: true, options: { dry: { type: 'boolean' } } })
class SyncThings implements CliCommandHandler {
  async run(): Promise<number> {
    return EXIT_OK;
  }
}

@Injectable()
@CliCommand({ name: 'widgets:count', summary: 'Count widgets', usage: 'crm widgets:count <kind>', positionals: [{ name: 'kind' }] })
class CountWidgets implements CliCommandHandler {
  async run(): Promise<number> {
    return EXIT_OK;
  }
}

@Injectable()
class NotACommand {}

@Module({ providers: [{ provide: 'count', useClass: CountWidgets }] })
class WidgetsModule {}

@Module({ imports: [forwardRef(() => ThingsModule)], providers: [SyncThings, NotACommand] })
class ThingsModule {}

@Module({})
class FeatureModule {}

describe('findCliCommands', () => {
  it('finds @CliCommand providers through imports, dynamic modules, forward references and useClass, each once', () => {
    const dynamic = { module: FeatureModule, imports: [WidgetsModule, ThingsModule], providers: [SyncThings] };
    const found = findCliCommands([dynamic, ThingsModule]);
    expect(found.map((c) => [c.meta.name, c.type])).toEqual([
      ['widgets:count', CountWidgets],
      ['things:sync', SyncThings],
    ]);
  });

  it('stops on two commands of one name, a bad name, a class without run(), a hand-made --as and misordered positionals', () => {
    @CliCommand({ name: 'things:sync', summary: '', usage: '' })
    class Again {
      async run() {
        return 0;
      }
    }
    expect(() => findCliCommands([{ module: FeatureModule, providers: [SyncThings, Again] }])).toThrow('Two CLI commands are named "things:sync"');

    @CliCommand({ name: 'Bad Name', summary: '', usage: '' })
    class BadName {
      async run() {
        return 0;
      }
    }
    expect(() => findCliCommands([{ module: FeatureModule, providers: [BadName] }])).toThrow('"Bad Name" is not a command name');

    @CliCommand({ name: 'no-run', summary: '', usage: '' })
    class NoRun {}
    expect(() => findCliCommands([{ module: FeatureModule, providers: [NoRun] }])).toThrow('has no run() method');

    @CliCommand({ name: 'own-as', summary: '', usage: '', actAs: true, options: { as: { type: 'string' } } })
    class OwnAs {
      async run() {
        return 0;
      }
    }
    expect(() => findCliCommands([{ module: FeatureModule, providers: [OwnAs] }])).toThrow('declares --as itself');

    @CliCommand({ name: 'order', summary: '', usage: '', positionals: [{ name: 'a', optional: true }, { name: 'b' }] })
    class BadOrder {
      async run() {
        return 0;
      }
    }
    expect(() => findCliCommands([{ module: FeatureModule, providers: [BadOrder] }])).toThrow('a required positional follows an optional one');
  });
});

describe('toCommand', () => {
  it('adds --as to the options, the usage and the help of an actAs command only', () => {
    const [sync] = findCliCommands([ThingsModule]);
    const cmd = toCommand(sync);
    expect(Object.keys(cmd.options)).toEqual(['dry', 'as']);
    expect(cmd.usage).toBe('crm things:sync [--as <user email>]');
    expect(cmd.details).toContain('--as <user email>');

    const [count] = findCliCommands([WidgetsModule]);
    const plain = toCommand(count);
    expect(plain.options).toEqual({});
    expect(plain.usage).toBe('crm widgets:count <kind>');
    expect(plain.positionals).toEqual([{ name: 'kind' }]);
  });
});
