import Taro from '@tarojs/taro'
import type { AccountMode } from '@yzt/functions/contract'

export const MODE: Record<AccountMode, { name: string, explain: string }> = {
  independent: { name: '独立账号', explain: '各App的账号相互独立，需在每个App中分别查看和处理。' },
  unified: { name: '统一账号', explain: '一个平台账号可登录该平台的各个App，处理一次即对全平台生效。' }
}

export const call = (hotline: string) => { void Taro.makePhoneCall({ phoneNumber: hotline }).catch(() => undefined) }

/** Copies and says so (the host's own toast is suppressed where it has one). */
export const copyText = (data: string, title: string) => {
  Taro.setClipboardData({ data })
    .then(() => Taro.showToast({ title, icon: 'none' }))
    .catch(() => undefined)
}

// Mini-program hosts do not open arbitrary web pages, so the link is copied for the browser instead.
export const copy = (url: string) => copyText(url, '链接已复制，请在浏览器中打开')
