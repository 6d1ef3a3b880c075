import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TrpcReactProvider } from "@/components/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tocsin", template: "%s · Tocsin" },
  description: "Notification hub for security events",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TrpcReactProvider>{children}</TrpcReactProvider>
      </body>
    </html>
  );
}
