import { describe, expect, it } from 'vitest';
import type { TailAlert } from '../../shared/tail.js';
import { notifyTailAlerts, type NotificationLike } from '../../main/app/alert-notifications.js';

const alert = (id: string, severity: TailAlert['severity'] = 'critical'): TailAlert => ({
  id,
  tailId: 't',
  kind: 'integrity',
  severity,
  rule: 'tampering',
  title: `Alert ${id}`,
  explanation: `What happened in ${id}.`,
  file: '/logs/a.jsonl',
  evidence: [],
  raisedAt: '2026-03-01T00:00:00Z',
});

function harness(enabled: { value: boolean }) {
  let listener: ((a: TailAlert) => void) | null = null;
  const shown: Array<{ title: string; body: string }> = [];
  let clicks = 0;
  const handlers: Array<() => void> = [];
  const stop = notifyTailAlerts({
    on: (_event, l) => {
      listener = l;
      return () => (listener = null);
    },
    enabled: () => enabled.value,
    create: (options): NotificationLike => ({
      show: () => shown.push(options),
      on: (_event, handler) => handlers.push(handler),
    }),
    onClick: () => clicks++,
    intervalMs: 50,
  });
  return { send: (a: TailAlert) => listener?.(a), shown, click: () => handlers.forEach((h) => h()), clicks: () => clicks, stop };
}

const settle = () => new Promise((r) => setTimeout(r, 120));

describe('OS notifications for live alerts', () => {
  it('shows one notification per quiet period, summarising a burst, and focuses on click', async () => {
    const h = harness({ value: true });
    h.send(alert('a'));
    await settle();
    expect(h.shown).toEqual([{ title: 'Custos: Alert a', body: 'What happened in a.' }]);
    h.send(alert('b'));
    h.send(alert('c', 'warning'));
    h.send(alert('d', 'warning'));
    await settle();
    expect(h.shown).toHaveLength(2);
    expect(h.shown[1]).toEqual({ title: 'Custos: 3 new alerts (1 critical)', body: 'Alert b: What happened in b. — and 2 more.' });
    h.click();
    expect(h.clicks()).toBe(2);
    h.stop();
  });

  it('stays silent when the user turned notifications off', async () => {
    const enabled = { value: false };
    const h = harness(enabled);
    h.send(alert('a'));
    await settle();
    expect(h.shown).toEqual([]);
    enabled.value = true;
    h.send(alert('b'));
    await settle();
    expect(h.shown.map((s) => s.title)).toEqual(['Custos: Alert b']);
    h.stop();
  });
});
