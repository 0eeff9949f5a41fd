import { sections, useAppStore, type Section } from './app.store';

export const sectionLabels: Record<Section, { label: string; hint: string; icon: string }> = {
  connections: { label: 'Connections', hint: 'Infor and target systems', icon: '⇄' },
  mapper: { label: 'Mapper', hint: 'Draw field mappings', icon: '◇' },
  flows: { label: 'Flows', hint: 'Schedules and dependencies', icon: '↻' },
  runs: { label: 'Runs', hint: 'History and audit log', icon: '≡' },
  bundles: { label: 'Bundles', hint: 'Export for the server', icon: '⬚' },
};

export function Sidebar() {
  const section = useAppStore((state) => state.section);
  const go = useAppStore((state) => state.go);
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ml
        </span>
        <span className="brand-name">
          connector <strong>Studio</strong>
        </span>
      </div>
      <ul>
        {sections.map((id) => (
          <li key={id}>
            <button
              type="button"
              className={id === section ? 'nav-item active' : 'nav-item'}
              aria-current={id === section ? 'page' : undefined}
              data-testid={`nav-${id}`}
              onClick={() => go(id)}
            >
              <span className="nav-icon" aria-hidden="true">
                {sectionLabels[id].icon}
              </span>
              <span className="nav-text">
                <span>{sectionLabels[id].label}</span>
                <small>{sectionLabels[id].hint}</small>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
