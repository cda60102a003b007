import { createBrowserRouter } from "react-router";
import { RouterProvider } from "react-router/dom";
import { routes } from "./router";

// Created once, outside React, as React Router requires for data routers.
const router = createBrowserRouter(routes);

export function App() {
  return <RouterProvider router={router} />;
}
