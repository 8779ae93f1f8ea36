// The widget's styles, inside its Shadow DOM: the page's CSS cannot reach in, and these cannot reach out.
// Colours of the default theme meet WCAG AA (4.5:1 for text); the accent's text colour is chosen by contrast.
export const CSS = `
:host{all:initial}
.fc{--accent:#4f46e5;--on-accent:#fff;--bg:#fff;--fg:#0f172a;--muted:#475569;--bot:#eef1f6;--line:#d5dae3;
--field:#fff;--shadow:0 12px 40px rgba(15,23,42,.22);--err:#b91c1c;
font:15px/1.45 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--fg);-webkit-font-smoothing:antialiased;text-align:left;direction:ltr;letter-spacing:normal}
.fc[data-theme=dark]{--bg:#0f172a;--fg:#e5e7eb;--muted:#a3adbd;--bot:#1e293b;--line:#334155;--field:#111c31;--err:#fca5a5}
@media (prefers-color-scheme:dark){.fc[data-theme=auto]{--bg:#0f172a;--fg:#e5e7eb;--muted:#a3adbd;--bot:#1e293b;
--line:#334155;--field:#111c31;--err:#fca5a5}}
.fc *,.fc *::before,.fc *::after{box-sizing:border-box}
.fc [hidden]{display:none!important}
.fc button{font:inherit;color:inherit;cursor:pointer;border:0;background:none;margin:0;padding:0}
.fc button:focus-visible,.fc input:focus-visible,.fc a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.launcher{position:fixed;bottom:20px;right:20px;width:60px;height:60px;border-radius:50%;background:var(--accent)!important;
color:var(--on-accent)!important;box-shadow:var(--shadow);display:flex;align-items:center;justify-content:center;
z-index:2147483000;transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.fc[data-pos=left] .launcher{right:auto;left:20px}
.launcher svg{width:28px;height:28px}
.badge{position:absolute;top:-2px;right:-2px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b91c1c;
color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}
.teaser{position:fixed;bottom:92px;right:20px;max-width:260px;display:flex;align-items:flex-start;gap:4px;background:var(--bg);
color:var(--fg);border-radius:14px;box-shadow:var(--shadow);padding:10px 8px 10px 14px;z-index:2147483000}
.fc[data-pos=left] .teaser{right:auto;left:20px}
.teaser-text{text-align:left;flex:1}
.teaser-x{width:24px;height:24px;border-radius:50%;color:var(--muted)!important;font-size:18px;line-height:24px}
.backdrop{position:fixed;inset:0;background:rgba(15,23,42,.45);z-index:2147482999}
.win{display:flex;flex-direction:column;background:var(--bg);color:var(--fg);overflow:hidden;border-radius:16px}
.fc[data-mode=bubble] .win{position:fixed;bottom:92px;right:20px;width:380px;height:min(620px,calc(100vh - 120px));
box-shadow:var(--shadow);z-index:2147483000}
.fc[data-mode=bubble][data-pos=left] .win{right:auto;left:20px}
.fc[data-mode=popup] .win{position:fixed;top:50%;left:50%;transform:translate(-50%,-50%);width:min(440px,calc(100vw - 24px));
height:min(640px,calc(100vh - 24px));box-shadow:var(--shadow);z-index:2147483000}
.fc[data-mode=inline]{display:block;width:100%;height:100%}
.fc[data-mode=inline] .win{width:100%;height:100%;min-height:360px;border:1px solid var(--line)}
.fc[data-demo]{display:block;position:relative;width:100%;height:100%}
.fc[data-demo] .launcher,.fc[data-demo] .teaser,.fc[data-demo][data-mode=bubble] .win{position:absolute;z-index:1}
.fc[data-demo][data-mode=bubble] .win{height:calc(100% - 100px);max-height:560px;width:min(360px,calc(100% - 40px))}
@media (max-width:480px){.fc[data-mode=bubble] .win{inset:0;width:auto;height:auto;border-radius:0}}
header{display:flex;align-items:center;gap:10px;padding:12px 12px 12px 16px;background:var(--accent);color:var(--on-accent)}
header img{width:36px;height:36px;border-radius:50%;object-fit:cover;background:#fff}
.heading{flex:1;min-width:0}
.title{margin:0;font-size:16px;font-weight:650;line-height:1.25;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.subtitle{margin:0;font-size:13px;opacity:.95;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.hbtn{width:34px;height:34px;border-radius:8px;display:flex;align-items:center;justify-content:center;color:var(--on-accent)!important}
.hbtn:hover{background:rgba(255,255,255,.16)!important}
.hbtn svg{width:20px;height:20px}
.log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:8px;overscroll-behavior:contain}
.msg{max-width:85%;padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere}
.bot{align-self:flex-start;background:var(--bot);color:var(--fg);border-bottom-left-radius:4px}
.user{align-self:flex-end;background:var(--accent);color:var(--on-accent);border-bottom-right-radius:4px}
.bot.retry{box-shadow:inset 3px 0 0 var(--err)}
.user.sending{opacity:.75}
.system{align-self:center;max-width:100%;font-size:12px;color:var(--muted,#667);background:transparent;padding:2px 8px}
.user.failed{background:transparent;color:var(--err);border:1px solid var(--err)}
.failed-row{align-self:flex-end;display:flex;gap:8px;align-items:center;font-size:13px;color:var(--err)}
.failed-row button{text-decoration:underline;color:var(--err)!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.typing{align-self:flex-start;background:var(--bot);border-radius:16px;padding:12px 14px;display:flex;gap:4px}
.typing i{width:7px;height:7px;border-radius:50%;background:var(--muted);animation:fc-b 1.2s infinite ease-in-out}
.typing i:nth-child(2){animation-delay:.15s}.typing i:nth-child(3){animation-delay:.3s}
@keyframes fc-b{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}
@media (prefers-reduced-motion:reduce){.typing i{animation:none}.launcher{transition:none}}
.choices{display:flex;flex-wrap:wrap;gap:6px;padding:0 16px 10px;justify-content:flex-end}
.choice{border:1.5px solid var(--accent)!important;color:var(--fg)!important;background:var(--bg)!important;border-radius:18px;
padding:6px 14px!important}
.choice:hover{background:var(--bot)!important}
.notice{padding:10px 16px;border-top:1px solid var(--line);display:flex;gap:10px;align-items:center;justify-content:space-between;
font-size:14px;color:var(--fg)}
.notice button{background:var(--accent)!important;color:var(--on-accent)!important;border-radius:8px;padding:6px 12px!important;
font-weight:600}
form{display:flex;gap:8px;padding:10px 12px;border-top:1px solid var(--line);margin:0}
input{flex:1;min-width:0;font:inherit;color:var(--fg);background:var(--field);border:1px solid var(--line);border-radius:10px;
padding:9px 12px;margin:0}
input::placeholder{color:var(--muted);opacity:1}
input[aria-invalid=true]{border-color:var(--err)}
.send{width:42px;border-radius:10px;background:var(--accent)!important;color:var(--on-accent)!important;display:flex;
align-items:center;justify-content:center}
.send:disabled{opacity:.5;cursor:default}
.send svg{width:20px;height:20px}
.brand{font-size:11px;color:var(--muted);text-align:center;padding:0 0 6px}
`;
