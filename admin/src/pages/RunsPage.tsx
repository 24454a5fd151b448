import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { PERMISSIONS } from '../constants';
import { RunDetailPage } from './RunDetailPage';
import { RunsListPage } from './RunsListPage';

/** Settings > Bulk actions audit log: the list of runs and one run's detail. */
export const RunsPage = () => (
  <Routes>
    <Route
      index
      element={
        <Page.Protect permissions={PERMISSIONS.runsRead}>
          <RunsListPage />
        </Page.Protect>
      }
    />
    {/* the server shows a run to its owner and to holders of runs.read */}
    <Route path=":id" element={<RunDetailPage />} />
  </Routes>
);
