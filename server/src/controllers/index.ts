import actions from './actions';
import info from './info';
import runs from './runs';
import settings from './settings';

export default { actions, info, runs, settings };
