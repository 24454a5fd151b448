import { Flex, Link, Loader, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Link as RouterLink } from 'react-router-dom';
import type { RunEntry } from '../../../server/src/contracts';
import { useGetRunEntriesQuery } from '../api';
import { useRunFormat, type ActionReasons } from '../hooks/useRunFormat';
import { useT } from '../hooks/useT';
import { isActive, type RunView } from '../types';
import { Section } from './RunSection';

/** The entry's edit view in the Content Manager, in the run's locale. */
const editViewOf = (run: RunView, documentId: string) =>
  `/content-manager/collection-types/${run.contentType}/${documentId}${run.locale ? `?plugins[i18n][locale]=${encodeURIComponent(run.locale)}` : ''}`;

const EntriesTable = ({ run, entries, reasonOf, danger }: { run: RunView; entries: RunEntry[]; reasonOf: (entry: RunEntry) => string; danger?: boolean }) => {
  const { t } = useT();
  return (
    <Table colCount={2} rowCount={entries.length + 1}>
      <Thead>
        <Tr>
          <Th><Typography variant="sigma">{t('run.entries.entry', 'Entry')}</Typography></Th>
          <Th><Typography variant="sigma">{t('run.failures.reason', 'Reason')}</Typography></Th>
        </Tr>
      </Thead>
      <Tbody>
        {entries.map((entry) => (
          <Tr key={`${entry.outcome}-${entry.documentId}`}>
            <Td>
              <Flex direction="column" alignItems="flex-start" gap={1} paddingTop={2} paddingBottom={2}>
                {/* an entry the reader may not read, or one gone since, has no label: its id is all there is */}
                {entry.label !== null ? (
                  <Link tag={RouterLink} to={editViewOf(run, entry.documentId)}>
                    {entry.label}
                  </Link>
                ) : null}
                <Typography variant="pi" tag="code" textColor="neutral600">
                  {entry.documentId}
                </Typography>
              </Flex>
            </Td>
            <Td><Typography textColor={danger ? 'danger600' : 'neutral800'}>{reasonOf(entry)}</Typography></Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

/**
 * The run page's failures and skips: each entry by its main field, linked to its edit view (the labels
 * come from the server, within what this reader may read), with the reason.
 */
export const RunEntries = ({ run, reasons }: { run: RunView; reasons?: ActionReasons }) => {
  const { t, formatNumber } = useT();
  const format = useRunFormat();
  const settled = !isActive(run);
  const { data, isLoading } = useGetRunEntriesQuery(run.id, { skip: !settled || run.failed + run.skipped === 0 });
  const failed = data?.entries.filter((entry) => entry.outcome === 'failed') ?? [];
  const skipped = data?.entries.filter((entry) => entry.outcome === 'skipped') ?? [];
  // the server lists the first entries; skips decided while the selection was resolved (no
  // permission, not found) are counted on the run, not recorded entry by entry
  const listed = (shown: number, count: number) =>
    data && shown < count ? (
      <Typography variant="pi" textColor="neutral600">
        {data.truncated
          ? t('run.entries.more', 'Showing the first {shown} of {count}.', { shown: formatNumber(shown), count: formatNumber(count) })
          : t('run.entries.unlisted', '{count, plural, one {# other entry was} other {# other entries were}} left out before the run began (see the counts above).', {
              count: count - shown,
            })}
      </Typography>
    ) : null;

  return (
    <>
      <Section title={t('run.failures', 'Failures ({count})', { count: formatNumber(run.failed) })}>
        {run.failed === 0 ? (
          <Typography variant="omega" textColor="neutral600">
            {t('run.failures.none', 'No entry failed.')}
          </Typography>
        ) : isLoading || !settled ? (
          <Loader small>{t('run.entries.loading', 'Loading the entries…')}</Loader>
        ) : (
          <>
            <EntriesTable run={run} entries={failed} reasonOf={(entry) => entry.reason} danger />
            {listed(failed.length, run.failed)}
            {failed.length < run.failed ? (
              <Typography variant="pi" textColor="neutral600">
                {t('run.failures.csv', 'The failures CSV holds them all.')}
              </Typography>
            ) : null}
          </>
        )}
      </Section>
      {run.skipped > 0 ? (
        <Section title={t('run.skipped', 'Skipped ({count})', { count: formatNumber(run.skipped) })}>
          {isLoading || !settled ? (
            <Loader small>{t('run.entries.loading', 'Loading the entries…')}</Loader>
          ) : (
            <>
              <EntriesTable run={run} entries={skipped} reasonOf={(entry) => format.reasonLabel(entry.reason, reasons)} />
              {listed(skipped.length, run.skipped)}
            </>
          )}
        </Section>
      ) : null}
    </>
  );
};
