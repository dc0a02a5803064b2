// babel-preset-taro switches to commonjs/node targets when NODE_ENV=test, so jest reuses this file.
module.exports = {
  presets: [
    ['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]
  ]
}
