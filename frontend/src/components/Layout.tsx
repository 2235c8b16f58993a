import { NavLink, Outlet, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { ThemeToggle } from "./ThemeToggle";

function navClass({ isActive }: { isActive: boolean }) {
  return isActive ? "nav__link nav__link--active" : "nav__link";
}

export function Layout() {
  const { auth, me, signOut } = useAuth();
  const navigate = useNavigate();
  const isMentor = Boolean(me?.mentorId);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="header">
        <div className="header__inner">
          <NavLink to="/" className="brand">
            CareerForge <span className="brand__sub">Sessions</span>
          </NavLink>
          {auth && (
            <nav aria-label="Main" className="nav">
              <NavLink to="/mentors" className={navClass}>
                Find Mentors
              </NavLink>
              <NavLink to="/connections" className={navClass}>
                My Connections
              </NavLink>
              <NavLink to="/sessions" end className={navClass}>
                My Sessions
              </NavLink>
              {isMentor ? (
                <NavLink to="/availability" className={navClass}>
                  Availability
                </NavLink>
              ) : null}
              <NavLink to="/mentor-profile" className={navClass}>
                {isMentor ? "Mentor Profile" : "Become a Mentor"}
              </NavLink>
            </nav>
          )}
          <div className="header__actions">
            <ThemeToggle />
            {auth && (
              <>
                <span className="header__user" title={auth.userId}>
                  {me?.name ?? auth.userId}
                </span>
                <button
                  type="button"
                  className="button button--ghost"
                  onClick={() => {
                    signOut();
                    navigate("/sign-in");
                  }}
                >
                  Sign out
                </button>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
