import contentTypes from './content-types';

export default {
  'content-types': contentTypes,
};
