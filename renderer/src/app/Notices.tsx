import { useNotices } from './notices';

const tone = { info: 'banner', warning: 'banner banner-warn', error: 'banner banner-danger' } as const;

/** What the desktop shell has to say that is not the answer to a call, each dismissible. */
export function Notices() {
  const notices = useNotices((state) => state.notices);
  const dismiss = useNotices((state) => state.dismiss);
  if (notices.length === 0) return null;
  return (
    <div className="notices" data-testid="notices">
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={tone[notice.level]}
          role={notice.level === 'info' ? 'status' : 'alert'}
          data-testid="notice"
          data-level={notice.level}
        >
          <p className="banner-body">{notice.message}</p>
          <button type="button" className="button small ghost" onClick={() => dismiss(notice.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
