/** Admin routes mount under /bulk-actions; every one requires an authenticated admin. */
const authenticated = ['admin::isAuthenticatedAdmin'];

export default {
  admin: {
    type: 'admin',
    routes: [
      {
        method: 'GET',
        path: '/info',
        handler: 'info.get',
        // No content is exposed: the answer is limited to the content types the user may read.
        config: { policies: [...authenticated] },
      },
    ],
  },
};
