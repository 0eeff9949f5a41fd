export function ComingSoon({ title, children }: { title: string; children: string }) {
  return (
    <div className="empty-state" data-testid="coming-soon">
      <div className="empty-icon" aria-hidden="true">◌</div>
      <h2>{title} — coming soon</h2>
      <p>{children}</p>
    </div>
  );
}
