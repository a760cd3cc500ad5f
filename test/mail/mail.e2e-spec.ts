import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../src/platform/config/config';
import { MailService } from '../../src/platform/mail/mail.service';
import { createTestApp, TestApp } from '../support/app';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server in the test process: what it receives is what a relay would get. */
async function startSmtp(): Promise<{ server: SMTPServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.server.address() as AddressInfo).port, received };
}

const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1];

describe('MailService', () => {
  describe('with SMTP_URL', () => {
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let t: TestApp;

    beforeAll(async () => {
      smtp = await startSmtp();
      t = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'CRM <crm@example.test>' } });
    });
    afterAll(async () => {
      await t.close();
      await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    });

    it('delivers text, html and headers through the SMTP server', async () => {
      const mail = t.app.get(MailService);
      expect(mail.destination).toBe('smtp');
      const sent = await mail.send({
        to: ['ada@example.test', 'bob@example.test'],
        subject: 'Your quote Q-1001',
        text: 'Hello Ada, the quote is attached.',
        html: '<p>Hello <b>Ada</b>, the quote is attached.</p>',
        headers: { 'X-Campaign-Id': 'c-42', 'List-Unsubscribe': '<https://crm.example.test/u/abc>' },
      });
      expect(sent.file).toBeUndefined();
      expect(smtp.received).toHaveLength(1);
      const [msg] = smtp.received;
      expect(msg.from).toBe('crm@example.test');
      expect(msg.to).toEqual(['ada@example.test', 'bob@example.test']);
      expect(header(msg.raw, 'Subject')).toBe('Your quote Q-1001');
      expect(header(msg.raw, 'From')).toBe('CRM <crm@example.test>');
      expect(header(msg.raw, 'X-Campaign-Id')).toBe('c-42');
      expect(header(msg.raw, 'List-Unsubscribe')).toBe('<https://crm.example.test/u/abc>');
      expect(header(msg.raw, 'Message-ID')).toBe(sent.messageId);
      expect(msg.raw).toContain('Content-Type: multipart/alternative');
      expect(msg.raw).toContain('Hello Ada, the quote is attached.');
      expect(msg.raw).toContain('<b>Ada</b>');
    });
  });

  describe('without SMTP_URL (box mode)', () => {
    let dataDir: string;
    let mail: MailService;

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'crm-mail-'));
      mail = new MailService(loadConfig('test', { DATA_DIR: dataDir, MAIL_FROM: 'CRM <crm@box.test>' }));
    });
    afterAll(async () => {
      mail.onApplicationShutdown();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('writes each message as an .eml file under <DATA_DIR>/outbox', async () => {
      expect(mail.destination).toBe(path.join(dataDir, 'outbox'));
      const first = await mail.send({ to: 'ada@example.test', subject: 'Reminder: call Ada', text: 'Call Ada at 10:00.', headers: { 'X-Activity-Id': 'a-1' } });
      const second = await mail.send({ to: 'bob@example.test', subject: 'Second', text: 'Another one.' });
      expect(first.file).toMatch(/\.eml$/);
      expect(path.dirname(first.file as string)).toBe(path.join(dataDir, 'outbox'));
      expect(second.file).not.toBe(first.file);
      const files = (await readdir(path.join(dataDir, 'outbox'))).sort();
      expect(files).toHaveLength(2);
      expect(files.every((f) => f.endsWith('.eml'))).toBe(true);

      const raw = await readFile(first.file as string, 'utf8');
      expect(header(raw, 'From')).toBe('CRM <crm@box.test>');
      expect(header(raw, 'To')).toBe('ada@example.test');
      expect(header(raw, 'Subject')).toBe('Reminder: call Ada');
      expect(header(raw, 'X-Activity-Id')).toBe('a-1');
      expect(header(raw, 'Message-ID')).toBe(first.messageId);
      expect(raw).toContain('Call Ada at 10:00.');
    });
  });
});
