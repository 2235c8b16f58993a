import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import { type ApiError, api, configureAuth, toApiError } from "../api/api";
import type { User } from "../api/types";
import { loadAuth, type StoredAuth, saveAuth } from "./storage";

export interface AuthState {
  /** The token and user id, or null when signed out. */
  auth: StoredAuth | null;
  /** The caller's user record (GET /me), once loaded. */
  me: User | null;
  /** Set when the last session ended because the token was refused. */
  expired: boolean;
  /** Why loading the user record failed (other than an expired token). */
  meError: ApiError | null;
  /** Try loading the user record again. */
  retryMe: () => void;
  signIn: (auth: StoredAuth) => Promise<User>;
  signOut: () => void;
  /** Load GET /me again (after becoming a mentor, for instance). */
  refreshMe: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [auth, setAuth] = useState<StoredAuth | null>(loadAuth);
  const [me, setMe] = useState<User | null>(null);
  const [expired, setExpired] = useState(false);
  const [meError, setMeError] = useState<ApiError | null>(null);
  const [meRound, setMeRound] = useState(0);

  const signOut = useCallback(() => {
    saveAuth(null);
    setAuth(null);
    setMe(null);
    setMeError(null);
  }, []);

  useEffect(() => {
    configureAuth({
      token: () => loadAuth()?.token ?? null,
      onUnauthorized: () => {
        setExpired(true);
        signOut();
      },
    });
  }, [signOut]);

  const refreshMe = useCallback(async () => {
    setMe(await api.me());
  }, []);

  // A reload of the page: the token is in sessionStorage, the user record is not.
  useEffect(() => {
    if (!auth || me) return;
    let current = true;
    api.me().then(
      (user) => current && setMe(user),
      (err: unknown) => current && setMeError(toApiError(err)),
    );
    return () => {
      current = false;
    };
  }, [auth, me, meRound]);

  const signIn = useCallback(async (next: StoredAuth) => {
    saveAuth(next);
    try {
      const user = await api.me();
      setExpired(false);
      setMe(user);
      setAuth(next);
      return user;
    } catch (err) {
      saveAuth(null);
      throw err;
    }
  }, []);

  const retryMe = useCallback(() => {
    setMeError(null);
    setMeRound((r) => r + 1);
  }, []);

  const value = useMemo(
    () => ({ auth, me, expired, meError, retryMe, signIn, signOut, refreshMe }),
    [auth, me, expired, meError, retryMe, signIn, signOut, refreshMe],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}

/** The signed-in user (only inside routes that require sign-in). */
export function useMe(): User | null {
  return useAuth().me;
}
