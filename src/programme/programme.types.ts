import { ConnectionType } from '../common/connection.js';
import { Programme } from './programme.entity.js';

/** `ProgrammeConnection`: a page of programmes. */
export const ProgrammeConnection = ConnectionType(Programme, 'Programme', '计划');
