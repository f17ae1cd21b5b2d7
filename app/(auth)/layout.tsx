export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-4xl flex-col justify-center px-5 py-10">
      <div className="mb-8 flex items-center gap-3">
        <span
          aria-hidden
          className="grid size-10 place-items-center rounded-lg bg-brand-600 text-lg font-bold text-white"
        >
          A
        </span>
        <div>
          <p className="text-xl font-semibold tracking-tight text-slate-900">Atrium</p>
          <p className="text-sm text-slate-600">Azure Machine Learning workspaces, by request</p>
        </div>
      </div>
      {children}
    </main>
  );
}
