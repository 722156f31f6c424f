import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DASHBOARD_PATHS, type DashboardFile, dashboardFileFor, dashboardResult } from './dashboard.js';
import { EMBEDDED_DASHBOARD_BASE64 } from './dashboard-embedded.js';

const decoded = new Map<DashboardFile, string>();

/** A dashboard file's text as embedded in this bundle (decoded once per container). */
export function embeddedDashboardFile(file: DashboardFile): string {
  let text = decoded.get(file);
  if (text === undefined) {
    text = Buffer.from(EMBEDDED_DASHBOARD_BASE64[file], 'base64').toString('utf8');
    decoded.set(file, text);
  }
  return text;
}

/**
 * The dashboard as routes of the API function: `GET /` and `GET /ui/<file>` for the files in
 * DASHBOARD_FILES only, served from the copies embedded in the bundle.
 *
 * @example [...API_ROUTES.map(toRouterRoute), ...DASHBOARD_ROUTES]
 */
export const DASHBOARD_ROUTES: ReadonlyArray<{
  method: 'GET';
  path: string;
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
}> = DASHBOARD_PATHS.map((path) => ({
  method: 'GET' as const,
  path,
  handler: async () => {
    const file = dashboardFileFor(path) as DashboardFile;
    return dashboardResult(file, embeddedDashboardFile(file));
  },
}));
