import { Icon, View } from '@tarojs/components'

export type StatusKind = 'waiting' | 'success' | 'warn'

const COLOR: Record<StatusKind, string> = { waiting: '#1a5fb4', success: '#1f7a3d', warn: '#c4291c' }
const LABEL: Record<StatusKind, string> = { waiting: '处理中', success: '已完成', warn: '未完成' }

/**
 * The result page's icon. Mini-programs draw their own native icon; in H5 Taro's Icon needs WeUI's icon
 * font, which the build does not ship, so H5 gets an SVG (no emoji: a phone without an emoji font shows a box).
 */
export function StatusIcon ({ kind }: { kind: StatusKind }) {
  if (process.env.TARO_ENV !== 'h5') {
    return <View className='status-icon'><Icon type={kind === 'waiting' ? 'waiting' : kind} size={64} color={COLOR[kind]} /></View>
  }
  const c = COLOR[kind]
  return (
    <View className='status-icon'>
      <svg width='64' height='64' viewBox='0 0 64 64' role='img' aria-label={LABEL[kind]} id={`icon-${kind}`}>
        <circle cx='32' cy='32' r='30' fill={c} />
        {kind === 'success' ? <path d='M18 33 l9 9 l19 -20' stroke='#fff' strokeWidth='5' fill='none' strokeLinecap='round' strokeLinejoin='round' /> : null}
        {kind === 'warn' ? <path d='M32 16 v22 M32 46 v2' stroke='#fff' strokeWidth='5' fill='none' strokeLinecap='round' /> : null}
        {kind === 'waiting' ? <path d='M32 14 v18 l12 8' stroke='#fff' strokeWidth='5' fill='none' strokeLinecap='round' strokeLinejoin='round' /> : null}
      </svg>
    </View>
  )
}
