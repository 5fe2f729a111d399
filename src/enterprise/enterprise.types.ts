import { ConnectionType } from '../common/connection.js';
import { Enterprise } from './enterprise.entity.js';

/** `EnterpriseConnection`: a page of enterprises. */
export const EnterpriseConnection = ConnectionType(Enterprise, 'Enterprise', '企业');
