package server

import "net/http"

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) *problem {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		return s.internal(r, err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
	return nil
}
