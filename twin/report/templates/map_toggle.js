(function(){
  var buttons=document.querySelectorAll('[data-colour-by]');
  function colour(by){
    document.querySelectorAll('#map path.link').forEach(function(p){
      p.setAttribute('stroke',p.getAttribute(by==='util'?'data-c-util':'data-c-downtime'));
    });
    document.querySelectorAll('#map .legend-downtime').forEach(function(g){
      g.style.display=by==='util'?'none':'';});
    document.querySelectorAll('#map .legend-util').forEach(function(g){
      g.style.display=by==='util'?'':'none';});
    buttons.forEach(function(b){b.setAttribute('aria-pressed',String(b.dataset.colourBy===by));});
  }
  buttons.forEach(function(b){b.addEventListener('click',function(){colour(b.dataset.colourBy);});});
  var start=document.body.dataset.colourBy||'downtime';
  colour(start==='utilisation'?'util':'downtime');
  var mark=document.createElement('meta');mark.id='report-scripted';mark.content='ok';
  document.head.appendChild(mark);
})();
