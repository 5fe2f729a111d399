import { ConnectionType } from '../common/connection.js';
import { Workshop } from './workshop.entity.js';

/** `WorkshopConnection`: a page of workshops. */
export const WorkshopConnection = ConnectionType(Workshop, 'Workshop', '共富工坊');
