// 关怀模式 (MIIT 适老化): larger text and controls, stronger contrast, one field per step. Remembered on the
// device (a preference, not anything typed); a host that exposes a large system font turns it on by default.
import { useCallback, useState } from 'react'
import Taro from '@tarojs/taro'

const STORAGE = 'yzt.care'
/** WeChat's fontSizeSetting is 17 at the standard size; from this size on the person asked for large text. */
export const LARGE_HOST_FONT = 20

function hostFontSize (): number | undefined {
  try {
    const info = Taro.getSystemInfoSync() as { fontSizeSetting?: number }
    return typeof info.fontSizeSetting === 'number' ? info.fontSizeSetting : undefined
  } catch {
    return undefined
  }
}

export function careModeDefault (): boolean {
  try {
    const stored = Taro.getStorageSync(STORAGE)
    if (stored === '1' || stored === '0') return stored === '1'
  } catch { /* no storage: fall back to the host's font size */ }
  return (hostFontSize() ?? 0) >= LARGE_HOST_FONT
}

export function useCareMode (): [boolean, (on: boolean) => void] {
  const [care, setCare] = useState(careModeDefault)
  const set = useCallback((on: boolean) => {
    setCare(on)
    try { Taro.setStorageSync(STORAGE, on ? '1' : '0') } catch { /* still on for this visit */ }
  }, [])
  return [care, set]
}
