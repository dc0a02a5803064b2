import { checkLogCapture } from '../../support/log-privacy'
export default async function globalTeardown (): Promise<void> { console.log(checkLogCapture()) }
