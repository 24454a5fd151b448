import { screen } from '@testing-library/react';
import { renderInAdmin } from './render';
import { useActionLabel } from '../../admin/src/hooks/useActionLabel';

// a user who may run actions on articles but has no settings.read
jest.mock('@strapi/strapi/admin', () => ({
  useAuth: (_name: string, select: (state: { permissions: Array<{ action: string }> }) => unknown) =>
    select({ permissions: [{ action: 'plugin::bulk-actions.runs.read' }] }),
}));

const available = jest.fn();
jest.mock('../../admin/src/api', () => ({
  useGetBulkActionsQuery: (uid: string, { skip }: { skip: boolean }) => ({
    data: skip || uid !== 'api::article.article' ? undefined : { actions: [{ name: 'update-field', label: 'Update a field', form: [], messages: {} }], replacesBuiltIns: [] },
  }),
  useGetAvailableActionsQuery: (uid: string, options: { skip: boolean }) => {
    available(uid, options);
    return { data: undefined };
  },
}));

const Label = ({ contentType, name }: { contentType: string; name: string }) => <p>{useActionLabel(contentType, name)}</p>;

describe('useActionLabel without settings.read', () => {
  it("shows the action's label from the actions the user may run", () => {
    renderInAdmin(<Label contentType="api::article.article" name="update-field" />);
    expect(screen.getByText('Update a field')).toBeTruthy();
    // the settings-only list is not asked for
    expect(available).toHaveBeenCalledWith('api::article.article', expect.objectContaining({ skip: true }));
  });

  it('shows the name of an action it no longer lists, and Undo for an undo', () => {
    renderInAdmin(
      <>
        <Label contentType="api::article.article" name="publish-later" />
        <Label contentType="api::article.article" name="revert" />
      </>
    );
    expect(screen.getByText('publish-later')).toBeTruthy();
    expect(screen.getByText('Undo')).toBeTruthy();
  });
});
