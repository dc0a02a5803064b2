/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.scss'
declare module '*.css'

/** injected by config/index.ts defineConstants; '' = same origin */
declare const API_BASE: string
/** true only in builds for the local runtime: gates the 模拟短信 page */
declare const DEV_SMS: boolean

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test'
    TARO_ENV: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'qq' | 'jd' | 'harmony' | 'jdrn'
    TARO_APP_ID: string
  }
}
