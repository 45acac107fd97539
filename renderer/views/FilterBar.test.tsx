// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../shared/result';
import { formatUtcFieldValue, parseUtcFieldValue } from '../format';
import { createCustosStore, StoreContext } from '../store/store';
import { fakeApi } from '../test-support/fake-api';
import { FilterBar } from './FilterBar';

afterEach(cleanup);

function renderFilterBar() {
  const { api, invoke } = fakeApi({
    'entries.query': (request) => ok({ rows: [], total: 0, offset: request.offset }),
    'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }),
  });
  const store = createCustosStore(api);
  render(
    <StoreContext.Provider value={store}>
      <FilterBar />
    </StoreContext.Provider>,
  );
  return { store, invoke };
}

describe('Explorer time filter fields', () => {
  it('read and show times as YYYY-MM-DD HH:MM:SS in UTC, whatever the browser locale', () => {
    expect(parseUtcFieldValue('2026-03-01 08:05:09')).toBe(Date.UTC(2026, 2, 1, 8, 5, 9));
    expect(parseUtcFieldValue('2026-03-01T08:05')).toBe(Date.UTC(2026, 2, 1, 8, 5));
    expect(parseUtcFieldValue('2026-03-01')).toBe(Date.UTC(2026, 2, 1));
    expect(parseUtcFieldValue('2026-03-01 08:05:09.25Z')).toBe(Date.UTC(2026, 2, 1, 8, 5, 9, 250));
    expect(parseUtcFieldValue('  ')).toBeUndefined();
    for (const typo of ['03/01/2026', '2026-02-30', '2026-03-01 24:00', '1.3.2026 8:00', '2026-3-1']) expect(parseUtcFieldValue(typo), typo).toBeNull();
    expect(formatUtcFieldValue(Date.UTC(2026, 2, 1, 8, 5, 9))).toBe('2026-03-01 08:05:09');
  });

  it('apply a typed time on Enter, and refuse an ambiguous one with a message instead of querying', () => {
    const { store } = renderFilterBar();
    const from = screen.getByLabelText('From (UTC)') as HTMLInputElement;
    expect(from.placeholder).toBe('YYYY-MM-DD HH:MM:SS');
    fireEvent.change(from, { target: { value: '03/01/2026 08:00' } });
    fireEvent.keyDown(from, { key: 'Enter' });
    expect(screen.getByRole('alert').textContent).toBe('Use YYYY-MM-DD HH:MM:SS (UTC)');
    expect(from.getAttribute('aria-invalid')).toBe('true');
    expect(store.getState().filter.fromMs).toBeUndefined();

    fireEvent.change(from, { target: { value: '2026-03-01 08:00' } });
    fireEvent.keyDown(from, { key: 'Enter' });
    expect(store.getState().filter.fromMs).toBe(Date.UTC(2026, 2, 1, 8));
    // The field shows the applied bound in full.
    expect((screen.getByLabelText('From (UTC)') as HTMLInputElement).value).toBe('2026-03-01 08:00:00');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
