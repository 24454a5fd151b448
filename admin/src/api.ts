/**
 * The plugin's admin API client: RTK Query endpoints injected into Strapi's `adminApi`, so they share
 * the admin's store, token refresh and cache invalidation. Requests and responses are the server's
 * contracts (server/src/contracts), nothing else.
 */
import { adminApi } from '@strapi/strapi/admin';
import type {
  ActionSummary,
  InfoResponse,
  PreviewRequest,
  PreviewResponse,
  PreviewResult,
  ListActionsResponse,
  ListRunsResponse,
  RunResponse,
  Settings,
  SettingsResponse,
} from '../../server/src/contracts';
import type { AvailableAction, RunView } from './types';

export interface RunsQuery {
  page?: number | string;
  pageSize?: number | string;
  contentType?: string;
  action?: string;
  status?: string;
  user?: number | string;
}

const bulkActionsApi = adminApi
  .enhanceEndpoints({
    addTagTypes: ['BulkActionsInfo', 'BulkActionsActions', 'BulkActionsSettings', 'BulkActionsRun', 'Document'],
  })
  .injectEndpoints({
    endpoints: (build) => ({
      getBulkActionsInfo: build.query<InfoResponse['data'], void>({
        query: () => '/bulk-actions/info',
        transformResponse: (response: InfoResponse) => response.data,
        providesTags: ['BulkActionsInfo'],
      }),

      /** The actions enabled for this content type that the signed-in user may run. */
      getBulkActions: build.query<ActionSummary[], string>({
        query: (uid) => `/bulk-actions/content-types/${encodeURIComponent(uid)}/actions`,
        transformResponse: (response: ListActionsResponse) => response.data,
        providesTags: (_result, _error, uid) => [{ type: 'BulkActionsActions', id: uid }],
      }),

      /** What a run would do: counts, skip reasons and a sample. A query, so identical previews share one request. */
      previewBulkAction: build.query<PreviewResult, { uid: string; name: string; body: PreviewRequest }>({
        query: ({ uid, name, body }) => ({
          url: `/bulk-actions/content-types/${encodeURIComponent(uid)}/actions/${encodeURIComponent(name)}/preview`,
          method: 'POST',
          data: body,
        }),
        transformResponse: (response: PreviewResponse) => response.data,
        keepUnusedDataFor: 0,
      }),

      /** Every action available to the content type, enabled or not (settings page). */
      getAvailableActions: build.query<AvailableAction[], string>({
        query: (uid) => `/bulk-actions/content-types/${encodeURIComponent(uid)}/available-actions`,
        transformResponse: (response: { data: AvailableAction[] }) => response.data,
      }),

      getBulkActionsSettings: build.query<Settings, void>({
        query: () => '/bulk-actions/settings',
        transformResponse: (response: SettingsResponse) => response.data,
        providesTags: ['BulkActionsSettings'],
      }),

      updateBulkActionsSettings: build.mutation<Settings, Settings>({
        query: (body) => ({ url: '/bulk-actions/settings', method: 'PUT', data: body }),
        transformResponse: (response: SettingsResponse) => response.data,
        // what is enabled changes what the list view offers
        invalidatesTags: ['BulkActionsSettings', 'BulkActionsActions'],
      }),

      getRuns: build.query<ListRunsResponse & { data: RunView[] }, RunsQuery>({
        query: (params) => ({ url: '/bulk-actions/runs', method: 'GET', config: { params } }),
        providesTags: [{ type: 'BulkActionsRun', id: 'LIST' }],
      }),

      getRun: build.query<RunView, number | string>({
        query: (id) => `/bulk-actions/runs/${id}`,
        transformResponse: (response: RunResponse) => response.data.run as RunView,
        providesTags: (_result, _error, id) => [{ type: 'BulkActionsRun', id: String(id) }],
      }),

      cancelRun: build.mutation<RunView, number>({
        query: (id) => ({ url: `/bulk-actions/runs/${id}/cancel`, method: 'POST' }),
        transformResponse: (response: RunResponse) => response.data.run as RunView,
        invalidatesTags: (_result, _error, id) => [
          { type: 'BulkActionsRun', id: String(id) },
          { type: 'BulkActionsRun', id: 'LIST' },
        ],
      }),

      /** A scheduled run starts at the next worker tick. */
      runNow: build.mutation<RunView, number>({
        query: (id) => ({ url: `/bulk-actions/runs/${id}/run-now`, method: 'POST', data: {} }),
        transformResponse: (response: RunResponse) => response.data.run as RunView,
        invalidatesTags: (_result, _error, id) => [
          { type: 'BulkActionsRun', id: String(id) },
          { type: 'BulkActionsRun', id: 'LIST' },
        ],
      }),

      /**
       * No request: invalidates the Content Manager's list query of a content type (and the audit
       * log) so the table shows what a run changed. Dispatching through a mutation keeps the plugin
       * off react-redux.
       */
      refreshAfterRun: build.mutation<null, string>({
        queryFn: () => ({ data: null }),
        invalidatesTags: (_result, _error, model) => [
          { type: 'Document', id: `${model}_LIST` },
          { type: 'BulkActionsRun', id: 'LIST' },
        ],
      }),
    }),
    overrideExisting: false,
  });

export const {
  useGetBulkActionsInfoQuery,
  useGetBulkActionsQuery,
  usePreviewBulkActionQuery,
  useGetAvailableActionsQuery,
  useGetBulkActionsSettingsQuery,
  useUpdateBulkActionsSettingsMutation,
  useGetRunsQuery,
  useGetRunQuery,
  useCancelRunMutation,
  useRunNowMutation,
  useRefreshAfterRunMutation,
} = bulkActionsApi;
