package gazetteer

// CountryName returns the short English name of the country with the ISO
// 3166-1 alpha-2 code (upper case), and whether the code is known. The
// search language uses it to read event.actor:RU as Russia.
func (g *Gazetteer) CountryName(code string) (string, bool) {
	name, ok := g.country[code]
	return name, ok
}
