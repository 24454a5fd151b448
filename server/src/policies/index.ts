import canReadContentType from './can-read-content-type';

export default { 'can-read-content-type': canReadContentType };
