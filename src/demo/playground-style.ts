/** The playground's stylesheet. */
export const PLAYGROUND_STYLE = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { margin: 0; }
header { background: #14213d; color: #fff; padding: 1rem 2rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.4rem; }
header p { margin: 0; opacity: .85; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 1rem; padding: 1rem 2rem; }
section { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; padding: 1rem; min-width: 0; }
h2 { margin-top: 0; font-size: 1.1rem; } h3 { font-size: .9rem; margin: .8rem 0 .3rem; } h4 { margin: 0 0 .3rem; font-size: .8rem; }
label { display: block; font-size: .85rem; margin-bottom: .6rem; }
input, select, textarea { display: block; width: 100%; box-sizing: border-box; font: 13px ui-monospace, monospace; padding: .35rem; margin-top: .2rem; }
.row { display: flex; gap: .6rem; } .row > label { flex: 0 0 auto; } .row > .grow { flex: 1; }
.buttons button { padding: .45rem .9rem; cursor: pointer; border: 1px solid #9aa5b1; border-radius: 5px; background: #fff; }
.buttons .primary { background: #14213d; color: #fff; border-color: #14213d; }
.hint { font-size: .8rem; color: #5a6570; }
pre.out, .diff pre { background: #0f172a; color: #e2e8f0; padding: .6rem; border-radius: 6px; font-size: 12px; white-space: pre-wrap; word-break: break-all; min-height: 1.2rem; margin: 0; }
.status { font-weight: 600; margin-bottom: .4rem; }
.status.ok { color: #0a7d32; } .status.fail { color: #b42318; }
.diff { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem; }
.verdict { font-size: .85rem; margin: 0 0 .4rem; }
.diff .line { display: block; } .diff .changed { background: #7f1d1d; color: #fff; }
`;
