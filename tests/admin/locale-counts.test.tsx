import * as React from 'react';
import { screen } from '@testing-library/react';
import { LocaleCounts } from '../../admin/src/components/LocaleCounts';
import { PreviewPanel } from '../../admin/src/components/PreviewPanel';
import type { PreviewResult } from '../../server/src/contracts';
import { renderInAdmin } from './render';

const lines = () => screen.getAllByRole('listitem').map((item) => item.textContent);

describe('all locales in the admin', () => {
  it('lists a run’s counts locale by locale, in code order, with the skip reasons in words', () => {
    renderInAdmin(<LocaleCounts counts={{ fr: { done: 2, forbidden: 1 }, en: { done: 3 }, de: { forbidden: 2 } }} />);
    expect(screen.getByText('By locale')).toBeTruthy();
    expect(lines()).toEqual(['de: 2 skipped: no permission', 'en: 3 done', 'fr: 2 done, 1 skipped: no permission']);
  });

  it('shows nothing for a run of one locale', () => {
    const { container } = renderInAdmin(<LocaleCounts counts={null} />);
    expect(container.textContent).toBe('');
  });

  it('shows in the preview how many versions of each locale the run would act on and which it may not', () => {
    const preview: PreviewResult = { total: 3, actionable: 3, skipped: {}, sample: [], skippedSample: [] };
    renderInAdmin(
      <PreviewPanel
        preview={preview}
        isLoading={false}
        locales={{ en: { actionable: 3, forbidden: 0 }, fr: { actionable: 2, forbidden: 0 }, de: { actionable: 0, forbidden: 2 } }}
      />
    );
    expect(screen.getByText('Locale versions')).toBeTruthy();
    expect(lines()).toEqual(['de: 2 skipped: no permission', 'en: 3 to act on', 'fr: 2 to act on']);
  });
});
