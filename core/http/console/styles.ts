// The console's stylesheet, inlined into the page: the machine serving it may have no network, and
// there is no build step. System fonts only.
export const CONSOLE_CSS = `
:root{--bg:#f4f5f7;--card:#fff;--ink:#172b4d;--muted:#5e6c84;--line:#dfe1e6;--accent:#0c66e4;--accent-ink:#fff;
--ok:#1f845a;--ok-bg:#dcfff1;--warn:#a54800;--warn-bg:#fff7d6;--bad:#c9372c;--bad-bg:#ffeceb;--info:#0055cc;--info-bg:#e9f2ff;
--idle:#44546f;--idle-bg:#f1f2f4;--bar:#e9ebee;--radius:8px;font-size:14px}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.top{display:flex;align-items:center;gap:16px;padding:10px 20px;background:#1d2125;color:#dee4ea}
.brand{font-weight:650;font-size:15px;color:#fff;letter-spacing:.2px}.brand span{font-weight:400;color:#9fadbc;margin-left:6px}
.top .meta{flex:1;color:#9fadbc;font-size:13px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.top button{background:transparent;color:#dee4ea;border-color:#454f59}
.grid{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:16px;padding:16px 20px;max-width:1440px;margin:0 auto}
.col{display:flex;flex-direction:column;gap:16px;min-width:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:14px 16px}
.card h2{font-size:13px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);margin:0 0 10px;font-weight:650}
.card-head{display:flex;align-items:center;justify-content:space-between;gap:12px;margin-bottom:10px}.card-head h2{margin:0}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:650;white-space:nowrap}
.s-NOT_STARTED,.s-CANCELLED{background:var(--idle-bg);color:var(--idle)}.s-STARTED{background:var(--info-bg);color:var(--info)}
.s-COMPLETED{background:var(--ok-bg);color:var(--ok)}.s-CANCELLATION_REQUESTED{background:var(--warn-bg);color:var(--warn)}.s-FAILED{background:var(--bad-bg);color:var(--bad)}
.tag{display:inline-block;padding:0 6px;border:1px solid var(--line);border-radius:4px;font-size:11.5px;color:var(--muted)}
.jobline{display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;margin-bottom:12px}.jobline .id{font-weight:650;font-size:16px}
.jobline .kv{color:var(--muted);font-size:13px}.jobline .kv b{color:var(--ink);font-weight:500}
.stats{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:8px;margin-bottom:12px}
.stat{background:#f7f8f9;border-radius:6px;padding:8px 10px}.stat .k{font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.4px}
.stat .v{font-size:18px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}.stat .v small{font-size:12px;color:var(--muted);font-weight:400}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th{font-size:11.5px;text-transform:uppercase;letter-spacing:.4px;color:var(--muted);font-weight:600;text-align:left;padding:4px 8px;border-bottom:1px solid var(--line)}
td{padding:6px 8px;border-bottom:1px solid #f0f1f3;vertical-align:middle}td.mono{white-space:nowrap}tr:last-child td{border-bottom:0}
.num{text-align:right;white-space:nowrap}
.bar{position:relative;height:8px;background:var(--bar);border-radius:4px;overflow:hidden;min-width:120px}
.bar>i{position:absolute;inset:0 auto 0 0;background:var(--accent);border-radius:4px;transition:width .6s ease}
.bar.done>i{background:var(--ok)}.bar.stopped>i{background:#8590a2}.bar.pending>i{background:transparent}
.bar.unknown>i{width:30%!important;animation:slide 1.4s ease-in-out infinite;opacity:.6}
@keyframes slide{0%{left:-30%}100%{left:100%}}
.pct{font-size:12px;color:var(--muted);width:40px;text-align:right}
.gov{font-size:12px;color:var(--muted);white-space:nowrap}.pacing{font-size:13px;margin:6px 0 10px}.pacing.slowing b{color:var(--warn)}.gov.paused{color:var(--warn);font-weight:600}
.note{margin:10px 0 0;padding:8px 10px;border-radius:6px;font-size:13px}.note.warn{background:var(--warn-bg);color:#7f3b00}.note.bad{background:var(--bad-bg);color:#ae2e24}
.note ul{margin:0;padding-left:18px}
.note.resume{display:flex;align-items:center;justify-content:space-between;gap:12px;background:#e9f2ff;color:#09326c}
.chart{margin-top:12px;border-top:1px solid var(--line);padding-top:10px}.chart-head{display:flex;justify-content:space-between;font-size:12px;color:var(--muted);margin-bottom:4px}
.chart svg{display:block;width:100%;height:90px}
.actions{display:flex;flex-wrap:wrap;align-items:end;gap:10px;padding:10px 12px;margin:-2px 0 12px;background:#f7f8f9;border-radius:6px}
label,legend{display:block;font-size:12px;color:var(--muted);font-weight:600;margin-bottom:3px}
input[type=text],input[type=number],input[type=time],input[type=datetime-local],input[type=password],textarea{font:inherit;color:var(--ink);border:1px solid #c1c7d0;border-radius:5px;padding:5px 8px;background:#fff;width:100%}
input:focus,textarea:focus,button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
textarea{resize:vertical;min-height:64px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
.check{display:flex;align-items:center;gap:6px;font-size:13px;color:var(--ink);font-weight:400;margin:0 0 6px}
button{font:inherit;font-weight:600;border:1px solid #c1c7d0;background:#fff;color:var(--ink);border-radius:5px;padding:5px 12px;cursor:pointer;white-space:nowrap}
button:hover{background:#f1f2f4}button:disabled{opacity:.45;cursor:default}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-ink)}button.primary:hover{background:#0055cc}
button.danger{color:var(--bad);border-color:#f1a29b}button.danger:hover{background:var(--bad-bg)}
button.link{border:0;background:none;color:var(--accent);padding:0 2px;font-weight:500}
.row{display:flex;gap:8px;align-items:end}.row>*{flex:1}.row>.fixed{flex:0 0 auto}
.field{margin-bottom:10px}
fieldset{border:0;padding:0;margin:0 0 10px}legend{padding:0}.days{display:flex;gap:4px;flex-wrap:wrap}.days label{margin:0}
.days input{position:absolute;opacity:0;pointer-events:none}
.days span{display:inline-block;min-width:36px;text-align:center;padding:4px 3px;border:1px solid #c1c7d0;border-radius:5px;font-size:12px;color:var(--ink);font-weight:600;cursor:pointer;user-select:none}
.days input:checked+span{background:var(--accent);border-color:var(--accent);color:#fff}.days input:focus-visible+span{outline:2px solid var(--accent)}
.muted{color:var(--muted)}.small{font-size:12.5px}
.errors{color:var(--bad);font-size:12.5px;margin:6px 0 0}.errors:empty{display:none}
.chips{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0 8px}.chip{font-family:ui-monospace,Menlo,monospace;font-size:12px;background:var(--idle-bg);border-radius:4px;padding:1px 6px}
.files{display:flex;flex-wrap:wrap;gap:4px}.files a{font-size:12px;background:var(--info-bg);border-radius:4px;padding:1px 6px;white-space:nowrap}
.history td.msg{font-size:12px;color:var(--bad);padding-top:0}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:8px;font-size:12.5px;color:var(--muted)}
.runs{margin:8px 0 0;padding:0;list-style:none;font-size:12.5px}.runs li{display:flex;gap:8px;padding:3px 0;border-top:1px solid #f0f1f3}
.runs .when{color:var(--muted);white-space:nowrap}
.path{word-break:break-all;background:#f7f8f9;border-radius:5px;padding:6px 8px;margin-bottom:8px}
.empty{color:var(--muted);font-size:13px;padding:8px 0}
.toast{position:fixed;right:20px;top:60px;background:#1d2125;color:#fff;padding:8px 14px;border-radius:6px;font-size:13px;opacity:0;transform:translateY(-8px);transition:all .2s;pointer-events:none;max-width:420px}
.toast.show{opacity:1;transform:none}.toast.bad{background:var(--bad)}
.signin{max-width:380px;margin:12vh auto;padding:28px}.signin h1{font-size:20px;margin:0 0 4px}.signin p{color:var(--muted);margin:0 0 18px}
.signin button{width:100%;margin-top:12px;padding:8px}
@media (max-width:1000px){.grid{grid-template-columns:minmax(0,1fr)}.stats{grid-template-columns:repeat(2,minmax(0,1fr))}}
`;
