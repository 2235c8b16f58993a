import type { ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { RequireAuth } from "../auth/RequireAuth";
import { SignInPage } from "../auth/SignInPage";
import { Layout } from "../components/Layout";
import { AvailabilityPage } from "../features/availability/AvailabilityPage";
import { BookSessionPage } from "../features/booking/BookSessionPage";
import { MyConnectionsPage } from "../features/connections/MyConnectionsPage";
import { FindMentorsPage } from "../features/mentors/FindMentorsPage";
import { MentorProfilePage } from "../features/mentors/MentorProfilePage";
import { MySessionsPage } from "../features/sessions/MySessionsPage";
import { NotFoundPage } from "./NotFoundPage";

const signedIn = (page: ReactNode) => <RequireAuth>{page}</RequireAuth>;

function Home() {
  const { auth } = useAuth();
  return <Navigate to={auth ? "/sessions" : "/sign-in"} replace />;
}

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Home />} />
        <Route path="sign-in" element={<SignInPage />} />
        <Route path="mentors" element={signedIn(<FindMentorsPage />)} />
        <Route path="connections" element={signedIn(<MyConnectionsPage />)} />
        <Route path="sessions" element={signedIn(<MySessionsPage />)} />
        <Route path="sessions/book/:mentorId" element={signedIn(<BookSessionPage />)} />
        <Route path="availability" element={signedIn(<AvailabilityPage />)} />
        <Route path="mentor-profile" element={signedIn(<MentorProfilePage />)} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
