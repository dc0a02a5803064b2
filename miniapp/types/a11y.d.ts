// Accessibility attributes on Taro components. H5 renders them on the element; WeChat reads aria-role /
// aria-label on its own components. Taro's types only list a few of them on View.
import '@tarojs/components/types/common'

declare module '@tarojs/components/types/common' {
  interface StandardProps {
    role?: string
    tabIndex?: number
    [aria: `aria-${string}`]: string | number | boolean | undefined
  }
}
