import '@testing-library/jest-dom'
import { resetTaro } from './mocks/taro'

beforeEach(() => resetTaro())
