import actions from './actions';
import info from './info';
import runs from './runs';
import settings from './settings';
import uploads from './uploads';

export default { actions, info, runs, settings, uploads };
