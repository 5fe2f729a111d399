import { ConnectionType } from '../common/connection.js';
import { Area } from './area.entity.js';

export const AreaConnection = ConnectionType(Area, 'Area', '区域');
