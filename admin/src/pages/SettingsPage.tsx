import * as React from 'react';
import {
  Alert,
  Badge,
  Box,
  Button,
  Checkbox,
  EmptyStateLayout,
  Flex,
  Loader,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
  VisuallyHidden,
} from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { Layouts, Page, useNotification, useRBAC } from '@strapi/strapi/admin';
import { REPLACEABLE_BUILT_INS, type ContentTypeSettings, type Settings } from '../../../server/src/contracts';
import {
  useGetBulkActionsInfoQuery,
  useGetBulkActionsSettingsQuery,
  useUpdateBulkActionsSettingsMutation,
} from '../api';
import { PERMISSIONS } from '../constants';
import { useAvailableActions } from '../hooks/useActions';
import { useT } from '../hooks/useT';
import { parseError } from '../utils/errors';

type Draft = Settings['contentTypes'];

const sameActions = (a: string[] = [], b: string[] = []) =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

interface ContentTypeCardProps {
  uid: string;
  displayName: string;
  entry: ContentTypeSettings;
  canUpdate: boolean;
  onChange: (entry: ContentTypeSettings) => void;
}

/** One collection type: every action available to it, each with its toggle; Strapi's own buttons replaced or not. */
const ContentTypeCard = ({ uid, displayName, entry, canUpdate, onChange: onEntryChange }: ContentTypeCardProps) => {
  const { t } = useT();
  const { data: available, isLoading, error } = useAvailableActions(uid);
  const enabled = entry.actions;
  const onChange = (actions: string[]) => onEntryChange({ ...entry, actions });
  const replaceable = (available ?? []).some((action) => (REPLACEABLE_BUILT_INS as readonly string[]).includes(action.name));
  const all = enabled.includes('*');
  const headingId = `bulk-actions-settings-${uid}`;

  const toggle = (name: string, on: boolean) => {
    if (all) {
      // leaving "all" keeps every currently available action but this one
      onChange((available ?? []).map((action) => action.name).filter((candidate) => candidate !== name || on));
      return;
    }
    onChange(on ? [...new Set([...enabled, name])] : enabled.filter((candidate) => candidate !== name));
  };

  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6} tag="section" aria-labelledby={headingId}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="delta" tag="h2" id={headingId}>
              {displayName}
            </Typography>
            <Typography variant="pi" textColor="neutral600">
              {uid}
            </Typography>
          </Flex>
          <Checkbox
            checked={all}
            disabled={!canUpdate}
            onCheckedChange={(checked) => onChange(checked === true ? ['*'] : [])}
          >
            {t('settings.all', 'Every action, including ones added later')}
          </Checkbox>
        </Flex>

        {isLoading ? (
          <Flex justifyContent="center" padding={4}>
            <Loader small>{t('settings.loading-actions', 'Loading the actions…')}</Loader>
          </Flex>
        ) : error ? (
          <Alert closeLabel={t('close', 'Close')} variant="warning" title={t('settings.actions-error', 'The actions could not be listed')}>
            {parseError(error, t('settings.actions-error', 'The actions could not be listed')).message}
          </Alert>
        ) : !available || available.length === 0 ? (
          <Typography variant="omega" textColor="neutral600">
            {t('settings.no-actions', 'No action is available for this collection type.')}
          </Typography>
        ) : (
          <Table colCount={3} rowCount={available.length + 1}>
            <Thead>
              <Tr>
                <Th>
                  <VisuallyHidden>{t('settings.column.enabled', 'Enabled')}</VisuallyHidden>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('settings.column.action', 'Action')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('settings.column.name', 'Name')}</Typography>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {available.map((action) => {
                const checked = all || enabled.includes(action.name);
                return (
                  <Tr key={action.name}>
                    <Td width="4rem">
                      <Checkbox
                        aria-label={t('settings.enable', 'Enable “{action}” for {contentType}', {
                          action: action.label,
                          contentType: displayName,
                        })}
                        checked={checked}
                        disabled={!canUpdate || all}
                        onCheckedChange={(value) => toggle(action.name, value === true)}
                      />
                    </Td>
                    <Td>
                      <Flex direction="column" alignItems="flex-start" gap={1} paddingTop={2} paddingBottom={2}>
                        <Flex gap={2}>
                          <Typography fontWeight="semiBold" textColor="neutral800">
                            {action.label}
                          </Typography>
                          {action.destructive ? (
                            <Badge variant="danger" size="S">
                              {t('settings.destructive', 'Destructive')}
                            </Badge>
                          ) : null}
                        </Flex>
                        {action.description ? (
                          <Typography variant="pi" textColor="neutral600">
                            {action.description}
                          </Typography>
                        ) : null}
                      </Flex>
                    </Td>
                    <Td>
                      <Typography variant="pi" textColor="neutral600" tag="code">
                        {action.name}
                      </Typography>
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
        {replaceable ? (
          <Checkbox
            checked={Boolean(entry.replaceBuiltIns)}
            disabled={!canUpdate}
            onCheckedChange={(checked) => onEntryChange({ ...entry, replaceBuiltIns: checked === true })}
          >
            {t('settings.replace-built-ins', 'Replace Strapi’s bulk Publish, Unpublish and Delete of {contentType} with these actions where they are enabled', {
              contentType: displayName,
            })}
          </Checkbox>
        ) : null}
      </Flex>
    </Box>
  );
};

/** Settings > Bulk actions: which actions are enabled on which collection type. */
const SettingsPage = () => {
  const { t } = useT();
  const { toggleNotification } = useNotification();
  const settings = useGetBulkActionsSettingsQuery();
  const info = useGetBulkActionsInfoQuery();
  const [save, { isLoading: isSaving }] = useUpdateBulkActionsSettingsMutation();
  const {
    allowedActions: { canUpdate },
  } = useRBAC(PERMISSIONS.settingsUpdate);
  const [draft, setDraft] = React.useState<Draft | null>(null);

  React.useEffect(() => {
    if (settings.data) setDraft(settings.data.contentTypes);
  }, [settings.data]);

  const saved = settings.data?.contentTypes ?? {};
  const changed = draft
    ? Object.fromEntries(
        Object.entries(draft).filter(
          ([uid, entry]) => !sameActions(entry.actions, saved[uid]?.actions) || Boolean(entry.replaceBuiltIns) !== Boolean(saved[uid]?.replaceBuiltIns)
        )
      )
    : {};
  const hasChanges = Object.keys(changed).length > 0;

  const onSave = async () => {
    const result = await save({ contentTypes: changed });
    if ('error' in result && result.error) {
      toggleNotification({
        type: 'danger',
        message: parseError(result.error, t('settings.save-error', 'The settings could not be saved.')).message,
      });
      return;
    }
    toggleNotification({ type: 'success', message: t('settings.saved', 'Settings saved') });
  };

  const title = t('settings.title', 'Bulk actions');
  const header = (
    <Layouts.Header
      title={title}
      subtitle={t(
        'settings.subtitle',
        'Choose the actions editors can run on each collection type. Who may run them is set per role in Roles.'
      )}
      primaryAction={
        canUpdate ? (
          <Button startIcon={<Check />} onClick={onSave} disabled={!hasChanges} loading={isSaving}>
            {t('settings.save', 'Save')}
          </Button>
        ) : undefined
      }
    />
  );

  if (settings.isLoading || info.isLoading) return <Page.Loading />;
  if (settings.error) return <Page.Error />;

  const names = new Map((info.data?.contentTypes ?? []).map((contentType) => [contentType.uid, contentType.displayName]));
  const uids = Object.keys(draft ?? saved).sort((a, b) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b));

  return (
    <Page.Main>
      <Page.Title>{t('settings.page-title', 'Settings - Bulk actions')}</Page.Title>
      {header}
      <Layouts.Content>
        {uids.length === 0 ? (
          <EmptyStateLayout
            icon={<EmptyDocuments width="16rem" />}
            content={t('settings.empty', 'There is no collection type to act on yet.')}
          />
        ) : (
          <Flex direction="column" alignItems="stretch" gap={6}>
            {uids.map((uid) => (
              <ContentTypeCard
                key={uid}
                uid={uid}
                displayName={names.get(uid) ?? uid}
                entry={(draft ?? saved)[uid] ?? { actions: [] }}
                canUpdate={Boolean(canUpdate)}
                onChange={(entry) => setDraft((previous) => ({ ...(previous ?? saved), [uid]: entry }))}
              />
            ))}
          </Flex>
        )}
      </Layouts.Content>
    </Page.Main>
  );
};

export const ProtectedSettingsPage = () => (
  <Page.Protect permissions={PERMISSIONS.settingsRead}>
    <SettingsPage />
  </Page.Protect>
);
