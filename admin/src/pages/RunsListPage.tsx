import * as React from 'react';
import {
  Box,
  Flex,
  Link,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
  EmptyStateLayout,
  Loader,
} from '@strapi/design-system';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { Layouts, Page, Pagination, useAdminUsers, useQueryParams } from '@strapi/strapi/admin';
import { NavLink, useNavigate } from 'react-router-dom';
import { RUN_STATUSES } from '../../../server/src/contracts';
import { useGetBulkActionsInfoQuery, useGetRunsQuery, type RunsQuery } from '../api';
import { RunStatusBadge } from '../components/RunStatusBadge';
import { useActionLabel } from '../hooks/useActionLabel';
import { useRunFormat } from '../hooks/useRunFormat';
import { useT } from '../hooks/useT';
import type { RunView } from '../types';

type Filter = 'contentType' | 'action' | 'status' | 'user';

interface FilterSelectProps {
  label: string;
  placeholder: string;
  value?: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value?: string) => void;
}

const FilterSelect = ({ label, placeholder, value, options, onChange }: FilterSelectProps) => {
  const { t } = useT();
  return (
    <Box minWidth="14rem">
      <SingleSelect
        aria-label={label}
        placeholder={placeholder}
        value={value ?? null}
        onChange={(next) => onChange(String(next))}
        onClear={value ? () => onChange(undefined) : undefined}
        clearLabel={t('runs.filter.clear', 'Clear the filter')}
        size="S"
      >
        {options.map((option) => (
          <SingleSelectOption key={option.value} value={option.value}>
            {option.label}
          </SingleSelectOption>
        ))}
      </SingleSelect>
    </Box>
  );
};

/** The action's label and, under it, the content type. */
const ActionCell = ({ run, contentTypeName }: { run: RunView; contentTypeName: string }) => {
  const label = useActionLabel(run.contentType, run.action);
  return (
    // long labels wrap rather than widen the table
    <Flex direction="column" alignItems="flex-start" gap={1} style={{ whiteSpace: 'normal' }}>
      <Typography textColor="neutral800" fontWeight="semiBold">
        {label}
      </Typography>
      <Typography variant="pi" textColor="neutral600">
        {contentTypeName}
      </Typography>
    </Flex>
  );
};

/** The audit log: every run, newest first, filterable by content type, action, status and user. */
export const RunsListPage = () => {
  const { t, formatNumber, formatDate } = useT();
  const format = useRunFormat();
  const navigate = useNavigate();
  const [{ query }, setQuery] = useQueryParams<RunsQuery>({ page: '1', pageSize: '20' });
  // only the parameters the server knows (it refuses unknown ones)
  const runsQuery = React.useMemo(() => {
    const known: RunsQuery = {};
    for (const key of ['page', 'pageSize', 'contentType', 'action', 'status', 'user'] as const) {
      if (query[key] !== undefined && query[key] !== '') known[key] = query[key] as never;
    }
    return known;
  }, [query]);
  const { data, isLoading, isFetching, error } = useGetRunsQuery(runsQuery, { refetchOnMountOrArgChange: true });
  const info = useGetBulkActionsInfoQuery();
  const users = useAdminUsers({ pageSize: 100 });

  const contentTypeNames = React.useMemo(
    () => new Map((info.data?.contentTypes ?? []).map((contentType) => [contentType.uid, contentType.displayName])),
    [info.data]
  );
  const runs: RunView[] = data?.data ?? [];

  // Action names seen so far (the filter lists what has been run, not what could be).
  const [seenActions, setSeenActions] = React.useState<string[]>([]);
  React.useEffect(() => {
    setSeenActions((previous) => {
      const next = new Set(previous);
      runs.forEach((run) => next.add(run.action));
      if (query.action) next.add(String(query.action));
      return next.size === previous.length ? previous : [...next].sort();
    });
  }, [runs, query.action]);

  // an undefined value drops the parameter from the URL
  const setFilter = (name: Filter, value?: string) => setQuery({ [name]: value, page: '1' } as RunsQuery);

  const title = t('runs.title', 'Bulk actions audit log');
  const userOptions = (users.data?.users ?? []).map((user) => ({
    value: String(user.id),
    label: [user.firstname, user.lastname].filter(Boolean).join(' ') || user.username || user.email || `#${user.id}`,
  }));

  return (
    <Page.Main aria-busy={isLoading}>
      <Page.Title>{t('runs.page-title', 'Settings - Bulk actions audit log')}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={t('runs.subtitle', 'Every run of a bulk action: who ran what, when, on how many entries, and what failed.')}
      />
      <Layouts.Action
        startActions={
          <Flex gap={2} wrap="wrap">
            <FilterSelect
              label={t('runs.filter.content-type', 'Content type')}
              placeholder={t('runs.filter.content-type.all', 'All content types')}
              value={query.contentType ? String(query.contentType) : undefined}
              options={[...contentTypeNames].map(([uid, name]) => ({ value: uid, label: name }))}
              onChange={(value) => setFilter('contentType', value)}
            />
            <FilterSelect
              label={t('runs.filter.action', 'Action')}
              placeholder={t('runs.filter.action.all', 'All actions')}
              value={query.action ? String(query.action) : undefined}
              options={seenActions.map((name) => ({ value: name, label: name }))}
              onChange={(value) => setFilter('action', value)}
            />
            <FilterSelect
              label={t('runs.filter.status', 'Status')}
              placeholder={t('runs.filter.status.all', 'All statuses')}
              value={query.status ? String(query.status) : undefined}
              options={RUN_STATUSES.map((status) => ({ value: status, label: format.statusLabel(status) }))}
              onChange={(value) => setFilter('status', value)}
            />
            {userOptions.length > 0 ? (
              <FilterSelect
                label={t('runs.filter.user', 'User')}
                placeholder={t('runs.filter.user.all', 'All users')}
                value={query.user ? String(query.user) : undefined}
                options={userOptions}
                onChange={(value) => setFilter('user', value)}
              />
            ) : null}
          </Flex>
        }
      />
      <Layouts.Content>
        {error ? (
          <Page.Error />
        ) : isLoading ? (
          <Flex justifyContent="center" padding={8}>
            <Loader>{t('runs.loading', 'Loading the runs…')}</Loader>
          </Flex>
        ) : runs.length === 0 ? (
          <EmptyStateLayout
            icon={<EmptyDocuments width="16rem" />}
            content={t('runs.empty', 'No run matches these filters yet.')}
          />
        ) : (
          <>
            {/* six columns, the second line of a cell holds its details: fits 1280 px without scrolling sideways */}
            <Table colCount={6} rowCount={runs.length + 1} aria-busy={isFetching}>
              <Thead>
                <Tr>
                  <Th><Typography variant="sigma">{t('runs.column.id', 'Run')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('runs.column.status', 'Status')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('runs.column.action', 'Action')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('runs.column.user', 'User')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('runs.column.started', 'Started')}</Typography></Th>
                  <Th>
                    {/* two short lines rather than one long header: the table fits 1280 px */}
                    <Flex direction="column" alignItems="flex-start" style={{ whiteSpace: 'normal' }}>
                      <Typography variant="sigma">{t('runs.column.entries', 'Entries')}</Typography>
                      <Typography variant="pi" textColor="neutral600">{t('runs.column.counts', 'done / skipped / failed')}</Typography>
                    </Flex>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {runs.map((run) => (
                  // the whole row opens the run; its number is the link for the keyboard
                  <Tr key={run.id} onClick={() => navigate(String(run.id))} style={{ cursor: 'pointer' }} data-run-id={run.id}>
                    <Td>
                      <Link tag={NavLink} to={String(run.id)} onClick={(event: React.MouseEvent) => event.stopPropagation()}>
                        {t('runs.view', 'Run #{id}', { id: run.id })}
                      </Link>
                    </Td>
                    <Td><RunStatusBadge status={run.status} /></Td>
                    <Td>
                      <Box paddingTop={2} paddingBottom={2}>
                        <ActionCell run={run} contentTypeName={contentTypeNames.get(run.contentType) ?? run.contentType} />
                      </Box>
                    </Td>
                    <Td style={{ whiteSpace: 'normal' }}><Typography textColor="neutral800">{run.userName ?? '–'}</Typography></Td>
                    <Td style={{ whiteSpace: 'normal' }}>
                      <Flex direction="column" alignItems="flex-start" gap={1}>
                        <Typography textColor="neutral800">
                          {formatDate(run.startedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                        </Typography>
                        <Typography variant="pi" textColor="neutral600">
                          {format.duration(run.durationMs)}
                        </Typography>
                      </Flex>
                    </Td>
                    <Td>
                      <Flex direction="column" alignItems="flex-start" gap={1}>
                        <Typography textColor="neutral800" fontWeight="semiBold">
                          {formatNumber(run.total)}
                        </Typography>
                        <Typography variant="pi" textColor="neutral800" data-counts>
                          <Typography variant="pi" textColor="success600">{formatNumber(run.succeeded)}</Typography>
                          {' / '}
                          <Typography variant="pi" textColor={run.skipped ? 'warning600' : 'neutral800'}>{formatNumber(run.skipped)}</Typography>
                          {' / '}
                          <Typography variant="pi" textColor={run.failed ? 'danger600' : 'neutral800'}>{formatNumber(run.failed)}</Typography>
                        </Typography>
                      </Flex>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            <Pagination.Root {...data?.meta.pagination} defaultPageSize={20}>
              <Pagination.PageSize />
              <Pagination.Links />
            </Pagination.Root>
          </>
        )}
      </Layouts.Content>
    </Page.Main>
  );
};
