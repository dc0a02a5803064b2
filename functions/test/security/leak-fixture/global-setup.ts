import { startLogCapture } from '../../support/log-privacy'
export default async function globalSetup (): Promise<void> { startLogCapture() }
